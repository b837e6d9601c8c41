"""Small-count suppression for open-data tables of people.

Open data publishes counts of people, for example elders per district (rows) and ability
level (columns), together with the row totals, the column totals and the grand total. A cell
that counts only a few people (by default 1 to 4) could identify someone, so it is withheld:
that is primary suppression. Withholding it alone is not enough, because the reader could
subtract the other published cells of its row or column from the published total; so more
cells are withheld as well: that is complementary (secondary) suppression.

The procedure used by `suppress`:

1. Primary: every cell with ``0 < value < threshold`` is withheld (zeros too when
   ``zeros_sensitive`` is set).
2. Two per line: the table is seen with its margins, as rows, columns, the line of column
   totals and the line of row totals, each line adding up to its own total. Every line that
   has exactly one withheld entry gets a second one among its published cells: non-zero
   cells first (a withheld zero that is known to be structural protects nothing), then a
   cell whose crossing line also needs a second entry (one cell then serves two lines, which
   keeps more of the table published), then the smallest, ties broken by position. When the
   line has no published cell left, its total is withheld instead. This repeats until no
   line changes.
3. Proof: `exposed_cells` computes, with linear programming, whether any withheld cell is
   still fixed to one value by the published numbers. Two per line is not always enough
   (two groups of withheld cells joined by a single cell, or zeros that cannot go lower),
   so while a cell is exposed, the smallest published cell of its row or column is withheld
   too, step 2 runs again, and the check is repeated.

The result withholds every primary cell, leaves at least two withheld entries in every line
that has any, and no withheld cell can be worked out exactly from what is published.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# A position in the table seen with its margins: (row, column), where row == number of rows
# is the line of column totals and column == number of columns is the column of row totals.
Position = tuple[int, int]

# One line of the table: its member entries, then the entry holding their sum.
_Line = tuple[tuple[Position, ...], Position]

# The feasible region is the flow polytope of a network (cells carry people from their row to
# their column, totals close the circulation), so its vertices are whole numbers: a cell that
# can take two values can take values at least 1 apart. Half of that absorbs rounding.
_TOLERANCE = 0.5


@dataclass(frozen=True)
class Published:
    """A table as it may be published, with the withheld entries set to None.

    `cells` holds the table body, `row_totals` one total per row, `column_totals` one total
    per column and `grand_total` the sum of the whole table; a total is None when it has to
    be withheld too (for example, a row with a single cell cannot otherwise hide that cell).
    `suppressed` lists the withheld body cells as (row, column), primary and complementary
    together, and `primary` the cells withheld because they count too few people. Withheld
    totals are not in `suppressed`; they show as None in the totals.
    """

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    grand_total: int | None
    suppressed: frozenset[tuple[int, int]]
    primary: frozenset[tuple[int, int]]


def suppress(
    table: Sequence[Sequence[int]], *, threshold: int = 5, zeros_sensitive: bool = False
) -> Published:
    """Withhold the small counts of a table and enough other entries to keep them hidden.

    `table` is a rectangular table of counts of people (rows, then columns). Cells with a
    value from 1 to `threshold` - 1 are sensitive; zero cells are published unless
    `zeros_sensitive` is set. The table is meant to be published with its row, column and
    grand totals; the result withholds complementary cells (and, where nothing else works,
    totals) so that no withheld cell can be worked out from what is published.

    Raises ValueError for a negative count, a negative threshold or a ragged table, and
    TypeError for a count that is not a whole number.
    """
    rows = _checked_table(table)
    _check_threshold(threshold)
    grid = _Grid(rows)
    primary = {
        position
        for position in grid.body()
        if grid.values[position] < threshold and (grid.values[position] > 0 or zeros_sensitive)
    }
    grid.hidden.update(primary)
    grid.complete_lines()
    grid.protect_exposed()
    return grid.publish(frozenset(primary))


def suppress_series(values: Sequence[int], *, threshold: int = 5) -> list[int | None]:
    """Withhold the small counts of a list that is published together with its total.

    This is the rule of `suppress` on a single line: values from 1 to `threshold` - 1 are
    withheld, and if only one value is withheld, the smallest other value (non-zero values
    first, then the earliest) is withheld too, so the total cannot give it away. With two or
    more withheld values and the total published, none of them can be worked out exactly.

    Raises ValueError for a negative count or threshold, and for a list made of a single
    sensitive value: its total would be that value, so it cannot be published with its total.
    """
    counts = [_checked_count(value, f"position {index}") for index, value in enumerate(values)]
    _check_threshold(threshold)
    hidden = {index for index, count in enumerate(counts) if 0 < count < threshold}
    if len(hidden) == 1:
        others = [index for index in range(len(counts)) if index not in hidden]
        if not others:
            raise ValueError(
                "a list with a single sensitive value cannot be published with its total: "
                "the total is that value"
            )
        hidden.add(min(others, key=lambda index: (counts[index] == 0, counts[index], index)))
    return [None if index in hidden else count for index, count in enumerate(counts)]


def exposed_cells(published: Published) -> list[tuple[int, int]]:
    """Return the withheld body cells whose value the published numbers fix exactly.

    Every withheld entry (body cell or total) is an unknown that is zero or more; each row
    adds up to its row total, each column to its column total, and the row totals and the
    column totals each add up to the grand total. For every withheld body cell, linear
    programming looks for its lowest possible value and then for a possible value at least
    one higher; a cell with no such higher value is exposed. Cells are listed by row, then
    column. An empty list means every withheld cell could take at least two values.

    Raises ValueError when the shapes do not match or when the published numbers cannot be
    completed with counts that are zero or more.
    """
    n_rows, n_columns = _published_shape(published)
    known: dict[Position, int] = {}
    unknown: list[Position] = []
    for position, value in _published_entries(published, n_rows, n_columns):
        if value is None:
            unknown.append(position)
        else:
            known[position] = value
    targets = [(row, column) for row, column in unknown if row < n_rows and column < n_columns]
    if not targets:
        return []
    index = {position: number for number, position in enumerate(unknown)}
    equations: list[list[float]] = []
    constants: list[float] = []
    for number, (members, total) in enumerate(_lines(n_rows, n_columns)):
        # members - total == 0, with the published entries moved to the right-hand side.
        coefficients = [0.0] * len(unknown)
        constant = 0
        for position, sign in [*((member, 1) for member in members), (total, -1)]:
            if position in index:
                coefficients[index[position]] += sign
            else:
                constant -= sign * known[position]
        if any(coefficients):
            equations.append(coefficients)
            constants.append(float(constant))
        elif constant != 0:
            raise ValueError(f"{_line_name(number, n_rows, n_columns)} do not add up")
    return _fixed_by_equations(targets, index, equations, constants)


def _fixed_by_equations(
    targets: list[Position],
    index: dict[Position, int],
    equations: list[list[float]],
    constants: list[float],
) -> list[Position]:
    """Return the targets that take one value only, over the non-negative solutions."""
    import numpy as np

    size = len(index)
    if not equations:
        # Nothing ties the withheld entries together: each can be anything.
        return []
    a_eq = np.array(equations, dtype=float)
    b_eq = np.array(constants, dtype=float)
    # The lowest and highest value seen for each unknown over the solutions found so far: a
    # solution found for one cell often shows that other cells can vary, saving their solves.
    lowest = np.full(size, np.inf)
    highest = np.full(size, -np.inf)
    exposed: list[Position] = []
    for target in targets:
        number = index[target]
        if highest[number] - lowest[number] > _TOLERANCE:
            continue
        objective = np.zeros(size)
        objective[number] = 1.0
        low = _solve(objective, a_eq, b_eq, cap=None)
        np.minimum(lowest, low, out=lowest)
        np.maximum(highest, low, out=highest)
        if highest[number] - lowest[number] > _TOLERANCE:
            continue
        # Is a value at least one above the minimum possible? Capping the cell there keeps
        # the problem bounded even when the cell could grow without limit.
        objective[number] = -1.0
        high = _solve(objective, a_eq, b_eq, cap=(number, float(low[number]) + 1.0))
        np.minimum(lowest, high, out=lowest)
        np.maximum(highest, high, out=highest)
        if highest[number] - lowest[number] <= _TOLERANCE:
            exposed.append(target)
    return exposed


def _solve(
    objective: npt.NDArray[np.float64],
    a_eq: npt.NDArray[np.float64],
    b_eq: npt.NDArray[np.float64],
    *,
    cap: tuple[int, float] | None,
) -> npt.NDArray[np.float64]:
    """Minimise `objective` over the non-negative solutions; `cap` bounds one unknown above."""
    import numpy as np
    from scipy.optimize import linprog

    bounds: list[tuple[float, float | None]] = [(0.0, None)] * len(objective)
    if cap is not None:
        bounds[cap[0]] = (0.0, cap[1])
    result = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if result.status == 2:
        raise ValueError("the published numbers cannot be completed with non-negative counts")
    if result.status != 0:
        raise RuntimeError(f"linear programming failed: {result.message}")
    solution: npt.NDArray[np.float64] = np.asarray(result.x, dtype=np.float64)
    return solution


class _Grid:
    """A table with its margins, and the set of its entries that are withheld."""

    def __init__(self, rows: list[list[int]]) -> None:
        self.n_rows = len(rows)
        self.n_columns = len(rows[0]) if rows else 0
        self.values: dict[Position, int] = {}
        for row, counts in enumerate(rows):
            for column, count in enumerate(counts):
                self.values[row, column] = count
            self.values[row, self.n_columns] = sum(counts)
        for column in range(self.n_columns):
            self.values[self.n_rows, column] = sum(counts[column] for counts in rows)
        self.values[self.n_rows, self.n_columns] = sum(map(sum, rows))
        self.lines = _lines(self.n_rows, self.n_columns)
        # Each entry lies on exactly two lines (a row and a column of the table with margins).
        self.lines_of: dict[Position, list[_Line]] = {position: [] for position in self.values}
        for line in self.lines:
            for entry in (*line[0], line[1]):
                self.lines_of[entry].append(line)
        self.hidden: set[Position] = set()

    def body(self) -> list[Position]:
        """The positions of the body cells, by row then column."""
        return [(row, column) for row in range(self.n_rows) for column in range(self.n_columns)]

    def preference(self, position: Position) -> tuple[bool, int, int, int]:
        """Sort key for choosing an entry to withhold: non-zero first, smallest, earliest."""
        value = self.values[position]
        return (value == 0, value, position[0], position[1])

    def complement_key(self, member: Position, total: Position) -> tuple[bool, bool, int, int, int]:
        """Sort key for the second entry of the line ending at `total`.

        Non-zero first; then an entry whose other line already has exactly one withheld entry,
        since withholding it completes that line too instead of opening a new one; then the
        smallest value, then the earliest position.
        """
        zero, value, row, column = self.preference(member)
        (other,) = (line for line in self.lines_of[member] if line[1] != total)
        completes = sum(entry in self.hidden for entry in (*other[0], other[1])) == 1
        return (zero, not completes, value, row, column)

    def complete_lines(self) -> None:
        """Give every line with exactly one withheld entry a second one, until stable."""
        changed = True
        while changed:
            changed = False
            for members, total in self.lines:
                if sum(entry in self.hidden for entry in (*members, total)) != 1:
                    continue
                candidates = [member for member in members if member not in self.hidden]
                if candidates:
                    choice = min(candidates, key=lambda member: self.complement_key(member, total))
                elif total not in self.hidden:
                    choice = total
                else:
                    # Only the total is withheld and the line has no cells: nothing to add.
                    continue
                self.hidden.add(choice)
                changed = True

    def protect_exposed(self) -> None:
        """Withhold more entries while some withheld cell can still be worked out exactly."""
        while exposed := exposed_cells(self.publish(frozenset())):
            self.hidden.add(self.extra_for(exposed[0]))
            self.complete_lines()

    def extra_for(self, position: Position) -> Position:
        """The entry to withhold next to protect the exposed cell at `position`."""
        row, column = position
        same_lines = [(row, other) for other in range(self.n_columns)]
        same_lines += [(other, column) for other in range(self.n_rows)]
        for group in (
            same_lines,
            [(row, self.n_columns), (self.n_rows, column)],
            self.body(),
            list(self.values),
        ):
            candidates = [entry for entry in group if entry not in self.hidden]
            if candidates:
                return min(candidates, key=self.preference)
        # With every entry withheld, each cell can grow without limit, so none is exposed.
        raise AssertionError("every entry is withheld, yet a cell is exposed")

    def publish(self, primary: frozenset[Position]) -> Published:
        """The table as published with the current withheld entries."""

        def shown(position: Position) -> int | None:
            return None if position in self.hidden else self.values[position]

        rows, columns = self.n_rows, self.n_columns
        return Published(
            cells=[[shown((row, column)) for column in range(columns)] for row in range(rows)],
            row_totals=[shown((row, columns)) for row in range(rows)],
            column_totals=[shown((rows, column)) for column in range(columns)],
            grand_total=shown((rows, columns)),
            suppressed=frozenset(entry for entry in self.body() if entry in self.hidden),
            primary=primary,
        )


def _lines(n_rows: int, n_columns: int) -> list[_Line]:
    """The lines of a table with its margins: rows, columns, then the two lines of totals."""
    lines: list[_Line] = [
        (tuple((row, column) for column in range(n_columns)), (row, n_columns))
        for row in range(n_rows)
    ]
    lines += [
        (tuple((row, column) for row in range(n_rows)), (n_rows, column))
        for column in range(n_columns)
    ]
    grand = (n_rows, n_columns)
    lines.append((tuple((n_rows, column) for column in range(n_columns)), grand))
    lines.append((tuple((row, n_columns) for row in range(n_rows)), grand))
    return lines


def _line_name(number: int, n_rows: int, n_columns: int) -> str:
    """How to name, in a message, the line at `number` in the order of `_lines`."""
    if number < n_rows:
        return f"the cells of row {number} and its total"
    if number < n_rows + n_columns:
        return f"the cells of column {number - n_rows} and its total"
    if number == n_rows + n_columns:
        return "the column totals and the grand total"
    return "the row totals and the grand total"


def _published_shape(published: Published) -> tuple[int, int]:
    """The number of rows and columns of a published table, checking that its parts agree."""
    n_rows = len(published.cells)
    n_columns = len(published.column_totals)
    if len(published.row_totals) != n_rows:
        raise ValueError(f"{len(published.row_totals)} row totals for {n_rows} rows")
    for row, cells in enumerate(published.cells):
        if len(cells) != n_columns:
            raise ValueError(f"row {row} has {len(cells)} cells for {n_columns} column totals")
    return n_rows, n_columns


def _published_entries(
    published: Published, n_rows: int, n_columns: int
) -> list[tuple[Position, int | None]]:
    """Every entry of a published table with its margins, with its position."""
    entries: list[tuple[Position, int | None]] = []
    for row, cells in enumerate(published.cells):
        entries += [((row, column), value) for column, value in enumerate(cells)]
        entries.append(((row, n_columns), published.row_totals[row]))
    entries += [((n_rows, column), value) for column, value in enumerate(published.column_totals)]
    entries.append(((n_rows, n_columns), published.grand_total))
    return entries


def _checked_table(table: Sequence[Sequence[int]]) -> list[list[int]]:
    """The table as lists of whole, non-negative counts; a ragged table is refused."""
    rows: list[list[int]] = []
    for row, cells in enumerate(table):
        if rows and len(cells) != len(rows[0]):
            raise ValueError(
                f"the table is ragged: row {row} has {len(cells)} cells, row 0 has {len(rows[0])}"
            )
        rows.append(
            [
                _checked_count(value, f"row {row}, column {column}")
                for column, value in enumerate(cells)
            ]
        )
    return rows


def _checked_count(value: int, where: str) -> int:
    """A count of people as an int: whole and not negative."""
    if isinstance(value, bool):
        raise TypeError(f"the count at {where} is a boolean, not a number of people")
    try:
        count = operator.index(value)
    except TypeError:
        raise TypeError(f"the count at {where} is not a whole number: {value!r}") from None
    if count < 0:
        raise ValueError(
            f"the count at {where} is negative ({count}); counts of people are 0 or more"
        )
    return count


def _check_threshold(threshold: int) -> None:
    """Refuse a negative threshold."""
    if threshold < 0:
        raise ValueError(f"the threshold must be 0 or more, not {threshold}")
