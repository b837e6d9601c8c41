"""``Cache-Control: no-store`` for every response that carries unmasked personal data (a
revealed record, the edit form showing revealed values, exports, reports), so no browser or
proxy cache keeps a copy. Pages use the ``no_store`` decorator; API handlers take Django
Ninja's temporal ``response`` and pass it to ``mark_no_store``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.http import HttpResponseBase
from django.utils.cache import add_never_cache_headers

_R = TypeVar("_R", bound=HttpResponseBase)
_V = TypeVar("_V", bound=Callable[..., HttpResponseBase])


def mark_no_store(response: _R) -> _R:
    """``Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private``."""
    add_never_cache_headers(response)
    return response


def no_store(view: _V) -> _V:
    """A view decorator: every response of ``view`` is marked ``no-store``."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> HttpResponseBase:
        return mark_no_store(view(*args, **kwargs))

    return wrapped  # type: ignore[return-value]
