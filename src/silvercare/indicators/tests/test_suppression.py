"""Small-count suppression: the withheld cells, and the proof that none can be worked out."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

import pytest

from silvercare.indicators.suppression import (
    Published,
    exposed_cells,
    suppress,
    suppress_series,
)

Table = list[list[int]]


def published_with_totals(table: Table, hidden: set[tuple[int, int]]) -> Published:
    """A table published with the given body cells withheld and every total shown."""
    n_columns = len(table[0])
    return Published(
        cells=[
            [None if (row, column) in hidden else value for column, value in enumerate(values)]
            for row, values in enumerate(table)
        ],
        row_totals=[sum(values) for values in table],
        column_totals=[sum(values[column] for values in table) for column in range(n_columns)],
        grand_total=sum(map(sum, table)),
        suppressed=frozenset(hidden),
        primary=frozenset(),
    )


def compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    """Every way of writing `total` as `parts` non-negative whole numbers, in order."""
    if parts == 0:
        if total == 0:
            yield ()
        return
    for first in range(total + 1):
        for rest in compositions(total - first, parts - 1):
            yield (first, *rest)


def exposed_by_enumeration(table: Table, hidden: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """The withheld cells that every whole-number completion of the table agrees on.

    All totals are published, so each row's withheld cells share out a known remainder:
    enumerate those shares row by row and keep the combinations whose columns add up.
    """
    n_rows, n_columns = len(table), len(table[0])
    column_rest = [
        sum(table[row][column] for row in range(n_rows) if (row, column) in hidden)
        for column in range(n_columns)
    ]
    per_row: list[list[dict[tuple[int, int], int]]] = []
    for row in range(n_rows):
        positions = [(row, column) for column in range(n_columns) if (row, column) in hidden]
        rest = sum(table[row][column] for _, column in positions)
        per_row.append(
            [
                dict(zip(positions, share, strict=True))
                for share in compositions(rest, len(positions))
            ]
        )
    seen: dict[tuple[int, int], set[int]] = {position: set() for position in hidden}
    for choice in itertools.product(*per_row):
        values = {position: value for share in choice for position, value in share.items()}
        sums = [0] * n_columns
        for (_, column), value in values.items():
            sums[column] += value
        if sums == column_rest:
            for position, value in values.items():
                seen[position].add(value)
    return sorted(position for position, values in seen.items() if len(values) == 1)


def hidden_per_line(published: Published) -> list[int]:
    """For each line of the table with its margins, how many of its entries are withheld."""
    cells = published.cells
    n_columns = len(published.column_totals)
    counts = [
        sum(value is None for value in (*row, total))
        for row, total in zip(cells, published.row_totals, strict=True)
    ]
    counts += [
        sum(value is None for value in (*(row[column] for row in cells), total))
        for column, total in enumerate(published.column_totals)
    ]
    for margin in (published.column_totals, published.row_totals):
        counts.append(sum(value is None for value in (*margin, published.grand_total)))
    assert len(counts) == len(cells) + n_columns + 2
    return counts


# -- suppress: worked examples --------------------------------------------------------------


def test_one_small_cell_gets_a_complement_in_its_row_and_its_column() -> None:
    table = [[3, 10, 12], [8, 9, 20], [15, 6, 7]]

    published = suppress(table)

    assert published.primary == {(0, 0)}
    # Row 0 hides 10 (its smallest), column 0 hides 8, and 9 closes both row 1 and column 1.
    assert published.suppressed == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert published.cells == [[None, None, 12], [None, None, 20], [15, 6, 7]]
    assert published.row_totals == [25, 37, 28]
    assert published.column_totals == [26, 25, 39]
    assert published.grand_total == 90
    assert exposed_cells(published) == []


def test_cells_at_the_threshold_and_zeros_stay_published() -> None:
    table = [[0, 5, 6], [7, 0, 20], [5, 9, 0]]

    published = suppress(table)

    assert published.primary == frozenset()
    assert published.suppressed == frozenset()
    assert published.cells == table


def test_zeros_are_sensitive_only_when_asked() -> None:
    table = [[0, 5, 6], [7, 9, 20], [5, 9, 8]]

    published = suppress(table, zeros_sensitive=True)

    assert published.primary == {(0, 0)}
    assert published.suppressed >= {(0, 0)}
    assert sum(value is None for value in published.cells[0]) >= 2
    assert sum(row[0] is None for row in published.cells) >= 2
    assert exposed_cells(published) == []


def test_the_threshold_is_a_parameter() -> None:
    table = [[9, 10, 30], [40, 50, 60]]

    assert suppress(table).suppressed == frozenset()
    published = suppress(table, threshold=10)
    assert published.primary == {(0, 0)}
    assert {(0, 0), (1, 0)} <= published.suppressed
    assert exposed_cells(published) == []


def test_a_row_with_one_small_cell_and_one_other_cell() -> None:
    table = [[2, 30], [40, 50]]

    published = suppress(table)

    # The only other cell of row 0 is withheld; then each column needs a second one.
    assert published.primary == {(0, 0)}
    assert published.suppressed == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert published.row_totals == [32, 90]
    assert published.column_totals == [42, 80]
    assert published.grand_total == 122
    assert exposed_cells(published) == []


def test_a_row_with_a_single_cell_withholds_its_total() -> None:
    table = [[2], [30], [40]]

    published = suppress(table)

    # Row 0's total would equal its cell; column 0 hides 30, so row 1's total goes as well.
    assert published.cells == [[None], [None], [40]]
    assert published.row_totals == [None, None, 40]
    assert published.column_totals == [72]
    assert published.grand_total == 72
    assert published.suppressed == {(0, 0), (1, 0)}
    assert exposed_cells(published) == []


def test_a_single_small_cell_withholds_every_total() -> None:
    published = suppress([[3]])

    assert published.cells == [[None]]
    assert published.row_totals == [None]
    assert published.column_totals == [None]
    assert published.grand_total is None
    assert exposed_cells(published) == []


def test_a_table_without_small_cells_is_unchanged() -> None:
    table = [[12, 7, 5], [30, 6, 9]]

    published = suppress(table)

    assert published == Published(
        cells=[[12, 7, 5], [30, 6, 9]],
        row_totals=[24, 45],
        column_totals=[42, 13, 14],
        grand_total=69,
        suppressed=frozenset(),
        primary=frozenset(),
    )


def test_an_empty_table_publishes_nothing() -> None:
    published = suppress([])

    assert published.cells == []
    assert published.grand_total == 0
    assert exposed_cells(published) == []


def test_more_is_withheld_when_two_per_line_leaves_a_cell_exposed() -> None:
    table = [[0, 3, 8, 0], [40, 0, 0, 20]]
    # Two per line alone hides 3 and 8 with the two zeros below them; row 1's total then pins
    # the zeros, and the column totals give 3 and 8 back.
    two_per_line = {(0, 1), (0, 2), (1, 1), (1, 2)}
    assert exposed_cells(published_with_totals(table, two_per_line)) == sorted(two_per_line)

    published = suppress(table)

    assert published.primary == {(0, 1)}
    # The check then withholds 0 in row 0 (smallest beside the exposed 3), and column 0
    # needs a second entry: 40. Now 3 can move along 0 and 40.
    assert published.suppressed == two_per_line | {(0, 0), (1, 0)}
    assert published.row_totals == [11, 60]
    assert published.column_totals == [40, 3, 8, 20]
    assert exposed_cells(published) == []


# -- suppress: input checks -----------------------------------------------------------------


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match=r"row 1, column 0 is negative \(-2\)"):
        suppress([[1, 2], [-2, 3]])


def test_a_ragged_table_is_refused() -> None:
    with pytest.raises(ValueError, match="ragged: row 1 has 1 cells, row 0 has 2"):
        suppress([[1, 2], [3]])


def test_a_negative_threshold_is_refused() -> None:
    with pytest.raises(ValueError, match="threshold"):
        suppress([[1]], threshold=-1)


def test_a_count_that_is_not_whole_is_refused() -> None:
    with pytest.raises(TypeError, match="not a whole number"):
        suppress([[1.5]])  # type: ignore[list-item]


# -- exposed_cells --------------------------------------------------------------------------


def test_a_lone_withheld_cell_is_exposed() -> None:
    table = [[3, 10], [8, 9]]

    assert exposed_cells(published_with_totals(table, {(0, 0)})) == [(0, 0)]


def test_a_withheld_rectangle_of_positive_cells_is_protected() -> None:
    table = [[3, 10], [8, 9]]

    assert exposed_cells(published_with_totals(table, {(0, 0), (0, 1), (1, 0), (1, 1)})) == []


def test_withheld_zeros_can_pin_a_rectangle() -> None:
    # Column 0 adds up to 0, so both its cells are 0, and row totals give the others back.
    table = [[0, 2], [0, 3]]

    assert exposed_cells(published_with_totals(table, {(0, 0), (0, 1), (1, 0), (1, 1)})) == [
        (0, 0),
        (0, 1),
        (1, 0),
        (1, 1),
    ]


def test_a_single_cell_joining_two_rectangles_is_exposed() -> None:
    # Two withheld rectangles (rows 0-1 x columns 0-1, rows 2-3 x columns 2-3) and the cell
    # (0, 2) joining them: every line has two withheld cells or more, yet rows 0 and 1 minus
    # columns 0 and 1 leave (0, 2) alone.
    table = [[6, 7, 8, 9], [10, 11, 12, 13], [14, 15, 16, 17], [18, 19, 20, 21]]
    hidden = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)}

    published = published_with_totals(table, hidden)

    assert min(hidden_per_line(published)[:8]) >= 2
    assert exposed_cells(published) == [(0, 2)]


def test_a_withheld_total_lets_its_cells_grow() -> None:
    published = Published(
        cells=[[None, None], [8, 9]],
        row_totals=[None, 17],
        column_totals=[None, None],
        grand_total=None,
        suppressed=frozenset({(0, 0), (0, 1)}),
        primary=frozenset(),
    )

    assert exposed_cells(published) == []


def test_numbers_that_do_not_add_up_are_refused() -> None:
    published = Published(
        cells=[[None, 5], [8, 9]],
        row_totals=[3, 17],
        column_totals=[10, 14],
        grand_total=20,
        suppressed=frozenset({(0, 0)}),
        primary=frozenset(),
    )

    with pytest.raises(ValueError, match="the column totals and the grand total do not add up"):
        exposed_cells(published)


def test_numbers_that_need_a_negative_count_are_refused() -> None:
    # Row 0 says 3 while its shown cell is 5: the hidden cell would be -2.
    published = Published(
        cells=[[None, 5], [8, 9]],
        row_totals=[3, 17],
        column_totals=[6, 14],
        grand_total=20,
        suppressed=frozenset({(0, 0)}),
        primary=frozenset(),
    )

    with pytest.raises(ValueError, match="non-negative"):
        exposed_cells(published)


def test_exposed_cells_agrees_with_enumeration_on_random_patterns() -> None:
    rng = random.Random(20261201)
    found_exposed = found_protected = 0
    for _ in range(200):
        n_rows, n_columns = rng.randint(2, 3), rng.randint(2, 3)
        table = [[rng.randint(0, 3) for _ in range(n_columns)] for _ in range(n_rows)]
        body = [(row, column) for row in range(n_rows) for column in range(n_columns)]
        hidden = set(rng.sample(body, rng.randint(1, min(5, len(body)))))

        expected = exposed_by_enumeration(table, hidden)

        assert exposed_cells(published_with_totals(table, hidden)) == expected, (table, hidden)
        found_exposed += bool(expected)
        found_protected += len(expected) < len(hidden)
    # The patterns cover both answers, so the comparison is not trivially all-empty.
    assert found_exposed > 20
    assert found_protected > 20


# -- suppress: properties over random tables ------------------------------------------------


def test_random_tables_are_protected() -> None:
    rng = random.Random(5)
    for _ in range(300):
        n_rows, n_columns = rng.randint(1, 4), rng.randint(1, 4)
        table = [
            [rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 15, 40]) for _ in range(n_columns)]
            for _ in range(n_rows)
        ]
        threshold = rng.choice([3, 5, 10])
        zeros_sensitive = rng.random() < 0.25

        published = suppress(table, threshold=threshold, zeros_sensitive=zeros_sensitive)

        context = (table, threshold, zeros_sensitive, published)
        sensitive = {
            (row, column)
            for row, values in enumerate(table)
            for column, value in enumerate(values)
            if value < threshold and (value > 0 or zeros_sensitive)
        }
        assert published.primary == sensitive, context
        assert published.primary <= published.suppressed, context
        # What is shown is true, and exactly the suppressed cells are hidden.
        for row, values in enumerate(table):
            for column, value in enumerate(values):
                shown = published.cells[row][column]
                assert (shown is None) == ((row, column) in published.suppressed), context
                assert shown in (None, value), context
        for shown, true in zip(published.row_totals, map(sum, table), strict=True):
            assert shown in (None, true), context
        column_sums = [sum(values[column] for values in table) for column in range(n_columns)]
        for shown, true in zip(published.column_totals, column_sums, strict=True):
            assert shown in (None, true), context
        assert published.grand_total in (None, sum(map(sum, table))), context
        # Every line with a withheld entry has a second one, and nothing can be worked out.
        assert all(count != 1 for count in hidden_per_line(published)), context
        assert exposed_cells(published) == [], context
        if not sensitive:
            assert published.suppressed == frozenset(), context


def test_random_tables_with_every_total_shown_resist_enumeration() -> None:
    # An independent check of the result, without linear programming.
    rng = random.Random(11)
    checked = 0
    for _ in range(150):
        n_rows, n_columns = rng.randint(2, 3), rng.randint(2, 3)
        table = [[rng.choice([0, 1, 2, 5, 6]) for _ in range(n_columns)] for _ in range(n_rows)]
        published = suppress(table)
        totals = [*published.row_totals, *published.column_totals, published.grand_total]
        if not published.suppressed or None in totals:
            continue
        assert exposed_by_enumeration(table, set(published.suppressed)) == [], table
        checked += 1
    assert checked > 30


# -- suppress_series ------------------------------------------------------------------------


def test_a_series_hides_its_small_value_and_its_smallest_other_value() -> None:
    assert suppress_series([12, 3, 0, 7, 20]) == [12, None, 0, None, 20]


def test_a_series_without_small_values_is_unchanged() -> None:
    assert suppress_series([12, 0, 5, 7]) == [12, 0, 5, 7]


def test_a_series_with_two_small_values_needs_nothing_more() -> None:
    assert suppress_series([1, 30, 4, 8]) == [None, 30, None, 8]


def test_a_series_falls_back_on_a_zero() -> None:
    assert suppress_series([3, 0]) == [None, None]


def test_a_series_of_one_sensitive_value_is_refused() -> None:
    with pytest.raises(ValueError, match="single sensitive value"):
        suppress_series([3])
    assert suppress_series([8]) == [8]


def test_a_series_refuses_negative_counts() -> None:
    with pytest.raises(ValueError, match="position 2 is negative"):
        suppress_series([1, 2, -1])


def test_a_series_follows_the_rule_of_a_one_row_table() -> None:
    rng = random.Random(3)
    for _ in range(150):
        values = [rng.choice([0, 0, 1, 3, 4, 5, 8, 30]) for _ in range(rng.randint(2, 6))]
        threshold = rng.choice([3, 5])

        shown = suppress_series(values, threshold=threshold)

        hidden = [index for index, value in enumerate(shown) if value is None]
        assert all(shown[index] in (None, value) for index, value in enumerate(values))
        assert all(shown[index] is None for index, v in enumerate(values) if 0 < v < threshold)
        assert len(hidden) != 1, values
        # With the total shown, the hidden values share out their sum in any way; none is
        # pinned unless that sum is 0.
        assert not hidden or sum(values[index] for index in hidden) > 0, values
        as_table = suppress([values], threshold=threshold)
        assert shown == as_table.cells[0], values
        assert as_table.row_totals == [sum(values)]
