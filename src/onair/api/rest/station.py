"""The station file as a resource: ``GET`` and ``PUT /api/v1/station``.

``GET`` answers the program in force as the YAML ``onair station export``
writes, with its version as a strong ``ETag``. ``PUT`` takes a whole station
file, checks it as ``onair station apply`` does, and stores it as the next
version (one operator action in the ledger, in the same transaction). It needs
``If-Match`` with the ``ETag`` it was read at (428 without, 412 when another
version was applied since), or ``If-None-Match: *`` for a station's first file,
so two editors never overwrite each other unseen. The answer is what changed:
the parts of the program that differ and a unified diff of the two files.
"""

from __future__ import annotations

import difflib
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from onair.api.auth import CurrentPrincipal, requires
from onair.api.problems import problem
from onair.api.state import StateDep
from onair.api.stores import StationStores, StoresDep
from onair.domain.access import Role
from onair.domain.programming import (
    AppliedProgram,
    InvalidProgram,
    NoProgram,
    ProgramChanged,
    StationProgram,
)
from onair.scheduler.station_file import (
    StationFileInvalid,
    dump_station_file,
    parse_station_file,
    placed_problems,
)

__all__ = ["StationFileChange", "router"]

router = APIRouter(tags=["station"])

YAML = "application/yaml"
_SENT_AS = "station.yaml"  # the name the problem lines give the file sent
_BODY = {"requestBody": {"required": True,
                         "content": {YAML: {"schema": {"type": "string"}}}}}  # fmt: skip


class StationFileChange(BaseModel):
    """What a station file changes: the parts of the program, and the files' diff."""

    station: str
    version: int | None  # the version stored; None for a dry run
    replaced_version: int  # the version in force before (0: none)
    etag: str | None
    changed: list[str]  # "clocks.morning", "rules", ...: each part that differs
    diff: str  # unified diff of the station files, as 'onair station export' writes them


def _yaml_body(declared: dict[str, Any]) -> dict[str, Any]:
    """A route's declaration, with the YAML body it reads itself shown in OpenAPI."""
    return {"openapi_extra": {**declared["openapi_extra"], **_BODY}}


def etag(version: int) -> str:
    return f'"v{version}"'


def _current(stores: StationStores) -> AppliedProgram | None:
    try:
        return stores.scheduler().programs.current(stores.station)
    except NoProgram:
        return None


@router.get("/station", operation_id="read_station_file", response_class=Response,
            responses={200: {"content": {YAML: {}}}}, **requires(Role.VIEWER))  # fmt: skip
async def read_station_file(request: Request, stores: StoresDep) -> Response:
    """The station file in force (YAML), its version the ``ETag``."""
    applied = await run_in_threadpool(_current, stores)
    if applied is None:
        raise HTTPException(404, f"station {stores.station!r} has no station file applied yet")
    tag = etag(applied.version)
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    if tag in _tags(request.headers.get("if-none-match")):
        return Response(status_code=304, headers=headers)
    text = f"# Version {applied.version}.\n" + dump_station_file(applied.program)
    return Response(text, media_type=YAML, headers=headers)


@router.put("/station", operation_id="replace_station_file",
            **_yaml_body(requires(Role.PROGRAM_DIRECTOR)))  # fmt: skip
async def replace_station_file(
    request: Request, stores: StoresDep, state: StateDep, who: CurrentPrincipal,
    dry_run: bool = False,
) -> Response:  # fmt: skip
    """Check a whole station file and store it as the next version (``dry_run``: only check).

    422 naming the file's line for a file ``onair station apply`` would refuse;
    428 without ``If-Match``, 412 when it names a version no longer in force.
    """
    raw = await request.body()
    try:
        program = await run_in_threadpool(parse_station_file, raw, _SENT_AS)
    except StationFileInvalid as exc:
        return _invalid(exc.lines)
    if program.id != state.station:
        return _invalid([f"{_SENT_AS}:1: the file is for station {program.id!r}; this server"
                         f" runs {state.station!r}: set its id"])  # fmt: skip
    try:  # the playlists it names, which only the station's stores know
        await run_in_threadpool(stores.scheduler().check_playlists, program)
    except InvalidProgram as exc:
        return _invalid(placed_problems(raw, _SENT_AS, exc.problems))
    current = await run_in_threadpool(_current, stores)
    replacing = _precondition(request, current)
    change = _change(current, program)
    if dry_run:
        return _answer(change, None)
    try:
        applied = await run_in_threadpool(
            stores.scheduler().apply, program, f"api:{_SENT_AS}", who.who, replacing
        )
    except ProgramChanged as exc:
        raise HTTPException(412, str(exc)) from None
    return _answer(change, applied.version)


def _tags(header: str | None) -> list[str]:
    return [t.strip() for t in (header or "").split(",") if t.strip()]


def _precondition(request: Request, current: AppliedProgram | None) -> int:
    """The version the edit replaces, when its precondition holds (RFC 9110 13.1)."""
    matches, none_match = request.headers.get("if-match"), request.headers.get("if-none-match")
    if current is None:
        if matches is not None:
            raise HTTPException(412, "the station has no station file yet: send"
                                     " If-None-Match: * with its first")  # fmt: skip
        if none_match != "*":
            raise HTTPException(428, "the station's first file needs If-None-Match: *")
        return 0
    if none_match == "*":
        raise HTTPException(412, f"the station already has a file (version {current.version}):"
                                 " send If-Match with its ETag")  # fmt: skip
    if matches is None:
        why = "so no one else's change is lost"
        raise HTTPException(428, f"send If-Match with the ETag of the file you edited, {why}")
    if "*" not in _tags(matches) and etag(current.version) not in _tags(matches):
        tag = etag(current.version)
        raise HTTPException(412, f"the station file in force is version {current.version}"
                                 f" ({tag}): read it again and redo the edit")  # fmt: skip
    return current.version


def _change(current: AppliedProgram | None, program: StationProgram) -> StationFileChange:
    before = current.program.export() if current else {}
    old = dump_station_file(current.program).splitlines(keepends=True) if current else []
    new = dump_station_file(program).splitlines(keepends=True)
    version = current.version if current else 0
    diff = "".join(difflib.unified_diff(old, new, f"version {version}", "sent"))
    return StationFileChange(station=program.id, version=None, replaced_version=version,
                             etag=None, changed=_differing(before, program.export()),
                             diff=diff)  # fmt: skip


def _differing(before: dict[str, Any], after: dict[str, Any], prefix: str = "") -> list[str]:
    """The parts that differ, two levels deep: ``clocks.morning``, ``name``."""
    found = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        path = f"{prefix}{key}"
        if not prefix and isinstance(old, dict) and isinstance(new, dict):
            found += _differing(old, new, f"{path}.")
        else:
            found.append(path)
    return found


def _answer(change: StationFileChange, version: int | None) -> Response:
    if version is None:
        return Response(change.model_dump_json(), media_type="application/json")
    stored = change.model_copy(update={"version": version, "etag": etag(version)})
    return Response(stored.model_dump_json(), media_type="application/json",
                    headers={"ETag": etag(version)})  # fmt: skip


def _invalid(lines: list[str]) -> Response:
    errors = [_error(line) for line in lines[:20]]
    return problem(422, lines[0], errors=errors)


def _error(line: str) -> dict[str, Any]:
    """``station.yaml:12: message`` as a problem's error, naming the line."""
    _, _, rest = line.partition(":")
    number, _, message = rest.partition(":")
    at = int(number) if number.isdigit() else 1
    return {"loc": ["body", f"line {at}"], "line": at, "msg": message.strip()[:200]}
