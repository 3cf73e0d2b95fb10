"""The scheduler's public functions: build, verify, export and explain a station's schedule.

Hours that have started (on air or aired) and hours a program director locked
are never rebuilt: a build keeps them and plans around them, so a rebuild after
the library or the rules change touches only the unlocked future.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ulid import ULID

from onair.domain.errors import DomainError
from onair.domain.events import Correlation, Envelope, new_envelope
from onair.domain.ledger import EntryDraft, operator_action
from onair.domain.programming import AppliedProgram, StationProgram
from onair.domain.schedule import HourPlan, Playable, ScheduledItem, epoch_ms
from onair.scheduler.build import LOOKBACK, build_schedule, prepare
from onair.scheduler.collector import collector_paused
from onair.scheduler.export import export_csv, export_json, instant
from onair.scheduler.hour_edits import HourEdit, RulesWouldBreak, moved, replaced
from onair.scheduler.local_hours import LocalHour, hours_between
from onair.scheduler.playlist_slots import aired_playlists, unknown_playlists
from onair.scheduler.ports import PlaylistStore, ProgramStore, ScheduleLibrary, ScheduleStore
from onair.scheduler.retiming import LengthCorrection, PlanNotCorrected, Retimed, retime
from onair.scheduler.verify import Violation, verify_schedule

__all__ = [
    "AlreadyAired",
    "BuildReport",
    "ItemEdited",
    "LengthCorrection",
    "PlanNotCorrected",
    "RulesWouldBreak",
    "Scheduler",
    "UnknownAsset",
    "UnknownHour",
    "UnknownItem",
    "corrected_event",
    "published_events",
]

_HOUR = timedelta(hours=1)


class AlreadyAired(DomainError):
    """Every hour asked for has started already; nothing was built."""


class UnknownItem(DomainError):
    """No scheduled item with that id."""


class UnknownHour(DomainError):
    """No hour of the station starts at that instant."""


class UnknownAsset(DomainError):
    """No asset with that id in the station's library."""


@dataclass(frozen=True)
class ItemEdited:
    plan: HourPlan  # the hour as stored after the edit
    forced: list[Violation]  # the rules it broke, forced by a program director


@dataclass(frozen=True)
class BuildReport:
    plans: list[HourPlan]  # every hour of the range, built or kept, in air order
    built: list[HourPlan]  # those built (and stored) by this run
    program_version: int


class Scheduler:
    def __init__(
        self,
        programs: ProgramStore,
        library: ScheduleLibrary,
        schedules: ScheduleStore,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        playlists: PlaylistStore | None = None,
    ) -> None:
        self.programs = programs
        self.library = library
        self.schedules = schedules
        self.now = now
        self.playlists = playlists

    def build(
        self, station: str, first_day: date, days: int, seed: int, *, keep_built: bool = False,
        action: EntryDraft | None = None,
    ) -> BuildReport:  # fmt: skip
        """Build ``days`` local days from ``first_day``; store the hours not kept.

        Locked hours and hours that have started are kept; with ``keep_built`` every
        hour already built is kept too, and only missing hours are built. ``action``,
        an operator's, is recorded in the ledger with the hours stored.
        """
        with collector_paused():
            return self._build(station, first_day, days, seed, keep_built, action)

    def rebuild_hour(self, station: str, hour: datetime, seed: int, who: str) -> BuildReport:
        """Build the hour starting at ``hour`` anew (the rest of its day kept as stored) and
        store it alone, as ``who``'s operator action; ``HourLocked`` for a locked hour."""
        program = self.programs.current(station).program
        if hour <= self.now():
            raise AlreadyAired(f"hour {instant(hour)} has started: rebuild only hours ahead")
        day = _local_day(program, hour)
        if hour not in {h.start for h in hours_between(day, 1, program.zone)}:
            raise UnknownHour(f"{instant(hour)} is not the start of an hour of station {station}")
        action = self.action(station, "schedule.rebuild_hour", who,
                             {"hour": instant(hour), "seed": seed})  # fmt: skip
        with collector_paused():
            return self._build(station, day, 1, seed, False, action, only=hour)

    def apply(self, program: StationProgram, source: str, who: str,
              replacing: int | None = None) -> AppliedProgram:  # fmt: skip
        """Store a station file as the station's next version, as ``who``'s operator action
        (its ``before`` and ``after`` the versions), in one transaction; ``replacing``, the
        version the edit started from, else ``ProgramChanged`` and nothing stored.

        A playlist category naming a playlist the station does not have is refused
        (``InvalidProgram``): create the playlist first."""
        self.check_playlists(program)
        action = self.action(program.id, "station.apply", who, {"file": source})
        return self.programs.apply(program, source, action, replacing)

    def check_playlists(self, program: StationProgram) -> None:
        """``InvalidProgram`` naming each playlist category whose playlist does not exist."""
        if self.playlists is not None:
            unknown_playlists(program, self.playlists)

    def lock(self, station: str, start: datetime, end: datetime, *, locked: bool,
             who: str) -> int:  # fmt: skip
        """Lock (or unlock) the built hours starting in ``[start, end)``; how many changed.

        One operator action by ``who``, in the lock's transaction, even when none changed.
        """
        name = "schedule.lock" if locked else "schedule.unlock"
        action = self.action(station, name, who, {"from": instant(start), "to": instant(end)})
        return self.schedules.lock(station, start, end, locked=locked, action=action)

    def action(self, station: str, name: str, who: str,
               detail: dict[str, Any] | None = None) -> EntryDraft:  # fmt: skip
        """An operator action on the schedule, for the ledger, stamped now."""
        return operator_action(station, str(ULID()), name, who, self.now(), detail=detail)

    def _build(
        self, station: str, first_day: date, days: int, seed: int, keep_built: bool,
        action: EntryDraft | None, only: datetime | None = None,
    ) -> BuildReport:  # fmt: skip
        applied = self.programs.current(station)
        program = applied.program
        hours = hours_between(first_day, days, program.zone)
        start, end = hours[0].start, hours[-1].end
        now = self.now()
        if end <= now:
            raise AlreadyAired(f"{first_day} + {days} days has already aired: build from today on")
        # One read of the stored hours: those of the range, and those after it that the
        # rules must respect from before them.
        around = self.schedules.hours(station, start, end + LOOKBACK)
        stored = {p.start: p for p in around if p.start < end}
        kept = {
            h.start: stored[h.start]
            for h in hours
            if h.start in stored
            and (keep_built or stored[h.start].locked or h.start <= now or only is not None)
            and h.start != only
        }
        # An hour that has ended without a schedule stays empty: planning songs into it
        # would steer the rotation by plays that never aired. The hour on air is built,
        # so a station that starts without a schedule airs one from the next item on.
        kept |= {
            h.start: HourPlan(station, h.start, h.label, "", ())
            for h in hours
            if h.end <= now and h.start not in kept
        }
        history = self.schedules.history(station, start - LOOKBACK, start)
        # The range carries on from where the hour before it ends, when that hour is built.
        last = history[-1] if history else None
        on_from = last is not None and last.hour == start - _HOUR
        plans = build_schedule(
            program,
            self.library.playables(station),
            history,
            first_day,
            days,
            seed,
            kept=kept,
            start_ms=epoch_ms(last.next_start) if last is not None and on_from else None,
            after=[p for p in around if p.start >= end],
            playlists=aired_playlists(program, self.playlists),
        )
        built = [p for p in plans if p.start not in kept and only in (None, p.start)]
        self.schedules.replace(station, built, applied.version, action)
        return BuildReport(plans, built, applied.version)

    def build_ahead(self, station: str, hours: int, seed: int) -> BuildReport | None:
        """Build the hours of the next ``hours`` not built yet (None when all are)."""
        program = self.programs.current(station).program
        now = self.now()
        # An hour on air cannot be built any more: the window starts at the next one.
        horizon = now + hours * _HOUR
        wanted = [h for h in _days_around(now, hours, program) if now < h.start < horizon]
        stored = {p.start for p in self.schedules.hours(station, wanted[0].start, wanted[-1].end)}
        if all(h.start in stored for h in wanted):
            return None
        first, last = wanted[0].day, wanted[-1].day
        return self.build(station, first, (last - first).days + 1, seed, keep_built=True)

    def stored(self, station: str, start: datetime, end: datetime) -> list[HourPlan]:
        return self.schedules.hours(station, start, end)

    def verify(
        self, station: str, start: datetime, end: datetime
    ) -> tuple[list[HourPlan], list[Violation]]:
        """Re-check every rule on the stored hours in ``[start, end)``."""
        program = self.programs.current(station).program
        with collector_paused():
            plans = self.schedules.hours(station, start, end)
            history = self.schedules.history(station, start - LOOKBACK, start)
            playables = self.library.playables(station)
            return plans, verify_schedule(program, playables, history, plans)

    def export(
        self,
        station: str,
        start: datetime,
        end: datetime,
        fmt: str,
        plans: list[HourPlan] | None = None,
    ) -> str | dict[str, Any]:
        """The hours in ``[start, end)`` as the export (``plans``, when already read)."""
        program = self.programs.current(station).program
        if plans is None:
            plans = self.schedules.hours(station, start, end)
        assets = self._assets(station, {i.asset_id for p in plans for i in p.items if i.asset_id})
        if fmt == "csv":
            return export_csv(program, plans, assets)
        return export_json(program, plans, assets, self.now())

    def explain(self, station: str, item_id: str) -> dict[str, Any]:
        """Why this item: its rank in rotation, what each rule rejected, what was relaxed."""
        item = self.schedules.item(station, item_id)
        if item is None:
            raise UnknownItem(f"no scheduled item {item_id!r} for station {station!r}")
        ids = {item.asset_id} if item.asset_id else set()
        asset = self._assets(station, ids).get(item.asset_id or "")
        return {
            "id": item.id,
            "start": instant(item.start),
            "kind": item.kind.value,
            "category": item.category,
            "slot": item.slot,
            "asset": None
            if asset is None
            else {"id": asset.id, "title": asset.title, "artist": asset.artist},
            "why": item.why,
        }

    def correct_length(self, station: str, fix: LengthCorrection) -> Retimed:
        """Give an item the length it airs for, re-time its stretch to the post, and store it.

        Raises :class:`UnknownItem`, :class:`AlreadyAired` for an item that has
        started, ``HourLocked`` for a locked hour, and :class:`PlanNotCorrected`
        when the post cannot be landed or a rule would break; then nothing changes.
        """
        item, edit = self._hour_edit(station, fix.item_id)
        retimed = retime(
            edit.plan, fix, songs=edit.songs, fills=edit.fills(item.start),
            fade_ms=round(edit.applied.program.timing.early_fade_s * 1000), clock=edit.clock,
        )  # fmt: skip
        broken = edit.breaks(retimed.plan)
        if broken:
            first = broken[0]
            raise PlanNotCorrected(f"re-timed, {first.rule} would break: {first.message}")
        self.schedules.replace(station, [retimed.plan], edit.applied.version)
        return retimed

    def replace_item(self, station: str, item_id: str, asset_id: str, *, who: str,
                     force: bool = False) -> ItemEdited:  # fmt: skip
        """Air ``asset_id`` in the item's place, its stretch re-timed to the post, as ``who``.

        Raises :class:`UnknownItem`, :class:`UnknownAsset`, :class:`AlreadyAired`,
        ``HourLocked``, ``EditRefused``, ``PlanNotCorrected``, and
        :class:`RulesWouldBreak` unless ``force``; then nothing changes.
        """
        item, edit = self._hour_edit(station, item_id)
        assets = self.library.playables(station, [asset_id])
        if not assets:
            raise UnknownAsset(f"asset {asset_id!r} is not in the station's library")
        edited = replaced(edit, item, assets[0], who)
        detail = {"item_id": item_id, "asset_id": asset_id, "was": item.asset_id}
        return self._store_edit(edit, edited, "schedule.replace_item", who, force, detail)

    def move_item(self, station: str, item_id: str, position: int, *, who: str,
                  force: bool = False) -> ItemEdited:  # fmt: skip
        """Move the item to ``position`` in its hour (0 first), as ``who``; raises as
        :meth:`replace_item` does."""
        item, edit = self._hour_edit(station, item_id)
        edited = moved(edit, item, position, who)
        detail = {"item_id": item_id, "from": item.position, "to": position}
        return self._store_edit(edit, edited, "schedule.move_item", who, force, detail)

    def _hour_edit(self, station: str, item_id: str) -> tuple[ScheduledItem, HourEdit]:
        item = self.schedules.item(station, item_id)
        if item is None:
            raise UnknownItem(f"no scheduled item {item_id!r} for station {station!r}")
        if item.start <= self.now():
            raise AlreadyAired(f"item {item_id} started at {instant(item.start)}: too late")
        applied = self.programs.current(station)
        program = applied.program
        plan, *after = self.schedules.hours(station, item.hour, item.hour + 2 * _HOUR)
        playables = self.library.playables(station)
        history = self.schedules.history(station, item.hour - LOOKBACK, item.hour)
        setup = prepare(program, playables, history, [_local_day(program, item.start)], 0,
                        planning=False)  # fmt: skip
        return item, HourEdit(applied, plan, after[:1], playables, history, setup)

    def _store_edit(self, edit: HourEdit, edited: HourPlan, name: str, who: str, force: bool,
                    detail: dict[str, Any]) -> ItemEdited:  # fmt: skip
        broken = edit.breaks(edited)
        if broken and not force:
            raise RulesWouldBreak(broken)
        forced = [{"item_id": v.item_id, "rule": v.rule, "message": v.message} for v in broken]
        action = self.action(edit.plan.station, name, who, {**detail, "forced": forced})
        self.schedules.replace(edit.plan.station, [edited], edit.applied.version, action)
        return ItemEdited(edited, broken)

    def program(self, station: str) -> StationProgram:
        return self.programs.current(station).program

    def _assets(self, station: str, ids: set[str]) -> dict[str, Playable]:
        """Only the assets asked for: not 100,000 to name the songs of a day."""
        return {s.id: s for s in self.library.playables(station, ids)}


def published_events(station: str, report: BuildReport) -> list[Envelope]:
    """One ``schedule.published`` per built hour, correlated by the hour."""
    return [
        new_envelope(
            "schedule.published",
            station,
            {
                "hour": instant(plan.start),
                "local": plan.local_label,
                "clock": plan.clock,
                "items": len(plan.items),
                "unscheduled": len(plan.unscheduled),
                "relaxations": len(plan.relaxations),
                "under_over_s": plan.under_over_ms / 1000,
                "program_version": report.program_version,
            },
            correlation=Correlation(hour=instant(plan.start)),
        )
        for plan in report.built
    ]


def corrected_event(station: str, fix: LengthCorrection, retimed: Retimed) -> Envelope:
    """``schedule.corrected``: an hour re-timed for an item that airs for another length."""
    hour = instant(retimed.plan.start)
    return new_envelope(
        "schedule.corrected",
        station,
        {"hour": hour, "item_id": fix.item_id, "length_s": fix.length_ms / 1000,
         "shift_s": retimed.shift_ms / 1000, "note": retimed.note},
        correlation=Correlation(hour=hour, schedule_item_id=fix.item_id),
    )  # fmt: skip


def _new_breaks(before: list[Violation], after: list[Violation]) -> list[Violation]:
    """What ``after`` breaks that ``before`` did not (an item and a rule)."""
    known = {(v.item_id, v.rule) for v in before}
    return [v for v in after if (v.item_id, v.rule) not in known]


def _local_day(program: StationProgram, at: datetime) -> date:
    return at.astimezone(program.zone).date()


def _days_around(now: datetime, hours: int, program: StationProgram) -> list[LocalHour]:
    first = now.astimezone(program.zone).date()
    last = (now + hours * _HOUR).astimezone(program.zone).date()
    return hours_between(first, (last - first).days + 1, program.zone)
