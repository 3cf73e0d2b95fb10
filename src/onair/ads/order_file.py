"""Order files: the YAML a traffic manager books advertisers and orders with.

Every problem becomes one ``FILE:LINE: message`` line, the line being the
deepest part of the file the problem reaches, so the manager can go straight to
it; a file with any problem books nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from onair.domain.traffic import Advertiser, Order, OrderRefused

__all__ = ["MAX_FILE_BYTES", "OrderFile", "read_order_file"]

MAX_FILE_BYTES = 2_000_000
Where = tuple[str | int, ...]


@dataclass(frozen=True)
class OrderFile:
    """The advertisers and orders of one file, and where each order starts in it."""

    path: Path
    advertisers: tuple[Advertiser, ...]
    orders: tuple[Order, ...]
    document: Any

    def line(self, where: Where) -> int:
        return _line(self.document, where)

    def problem(self, where: Where, message: str) -> str:
        return f"{self.path}:{self.line(where)}: {message}"


def read_order_file(path: Path | str) -> OrderFile:
    """Read and validate ``path``; raise :class:`OrderRefused` with a line per problem."""
    path = Path(path)
    document = _load(path)
    if not isinstance(document, dict) or "orders" not in document:
        raise OrderRefused([f"{path}:1: an order file is a mapping with orders (and advertisers)"])
    problems: list[str] = []
    advertisers = list(_each(path, document, "advertisers", Advertiser, problems))
    orders = list(_each(path, document, "orders", Order, problems))
    unknown = set(document) - {"advertisers", "orders"}
    problems += [
        f"{path}:{_line(document, (k,))}: unknown section {k!r}: use advertisers and orders"
        for k in sorted(map(str, unknown))
    ]
    seen: set[str] = set()
    for index, order in orders:
        if order.id in seen:
            problems.append(
                f"{path}:{_line(document, ('orders', index, 'id'))}: order"
                f" {order.id} is given twice"
            )
        seen.add(order.id)
    if problems:
        raise OrderRefused(problems)
    return OrderFile(path, tuple(a for _, a in advertisers), tuple(o for _, o in orders), document)


def order_index(file: OrderFile, order_id: str) -> int:
    """Where ``order_id`` is in the file's orders list."""
    return next(i for i, o in enumerate(file.orders) if o.id == order_id)


def _load(path: Path) -> Any:
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        message = f"{path}:1: cannot read the file ({exc.strerror}): check the path"
        raise OrderRefused([message]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise OrderRefused([f"{path}:1: the file is over {MAX_FILE_BYTES:,} bytes"])
    try:
        return YAML(typ="rt").load(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise OrderRefused([f"{path}:1: the file is not UTF-8 text: save it as UTF-8"]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise OrderRefused([f"{path}:{line}: not YAML: {exc.problem or exc}"]) from None
    except YAMLError as exc:
        raise OrderRefused([f"{path}:1: not YAML: {exc}"]) from None


def _each(
    path: Path, document: dict[str, Any], section: str, model: Any, problems: list[str]
) -> Iterator[tuple[int, Any]]:
    entries = document.get(section) or []
    if not isinstance(entries, list):
        problems.append(f"{path}:{_line(document, (section,))}: {section} must be a list")
        return
    for index, entry in enumerate(entries):
        try:
            yield index, model.model_validate(_plain(entry))
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(p for p in error["loc"] if not str(p).startswith("function-"))
                where = (section, index, *loc)
                name = _name(entry, section, index)
                message = str(error["msg"]).removeprefix("Value error, ")
                field = ".".join(str(p) for p in loc)
                named = not field or message.startswith(str(loc[-1]))  # "length 45: sell..."
                text = f"{name}: {message}" if named else f"{name} {field}: {message}"
                problems.append(f"{path}:{_line(document, where)}: {text}")


def _name(entry: Any, section: str, index: int) -> str:
    if isinstance(entry, dict):
        key = "id" if section == "orders" else "name"
        if isinstance(entry.get(key), str):
            return f"{section[:-1]} {entry[key]}"
    return f"{section[:-1]} {index + 1}"


def _plain(value: Any) -> Any:
    """The YAML tree as plain dicts and lists, dates kept (pydantic reads them)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _line(document: Any, where: Where) -> int:
    """The 1-based line of the deepest node ``where`` reaches in ``document``."""
    node, line = document, 1
    for step in where:
        if isinstance(node, CommentedMap) and step in node:
            position = node.lc.key(step)
            line = position[0] + 1
            node = node[step]
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and step < len(node):
            line = node.lc.item(step)[0] + 1
            node = node[step]
        else:
            break
    return line
