"""The course staff's commands (``release``, ``collect``, ``grade``, ``report``), run in a course folder.

Each parses nothing (the CLI did) and only calls the module that does the
work, then prints one line per outcome for the terminal.
"""

from . import schedule
from .folder import CourseFolder


def run(args):
    folder = CourseFolder.at(args.course)
    # --today (a rehearsal) pins the kit's one clock for the whole command
    with schedule.pinned(getattr(args, "today", None)):
        return COMMANDS[args.command](folder, args)


def release(folder, args):
    from .publish import release_week

    released = release_week(folder, args.week, force=args.force)
    print(released.summary())
    return 0


def collect(folder, args):
    from . import exchange

    if args.lms:
        changed = exchange.collect_lms(folder, args.week, args.lms)
        where = f"the LMS download {args.lms}"
    else:
        changed = exchange.collect(folder, args.week)
        where = f"the exchange {folder.exchange}"
    total = len(folder.submissions(args.week))
    print(f"{args.week}: {len(changed)} new or newer submissions from {where} "
          f"({total} in {folder.root / 'submitted'})")
    return 0


def grade(folder, args):
    from .parallel import grade_week

    run = grade_week(folder, args.week, jobs=args.jobs, force=args.force,
                     progress=not args.quiet, feedback=not args.no_feedback)
    print(run.summary())
    _print_outputs(folder, args.week)
    return 1 if run.errors else 0


def report(folder, args):
    from . import exports, reports

    exports.export_all(folder, args.week)
    reports.write(folder, args.week)
    _print_outputs(folder, args.week)
    return 0


def _print_outputs(folder, week_id):
    for name in ("grades.csv", f"{week_id}-questions.csv", f"{week_id}-report.html"):
        path = folder.reports / name
        if path.exists():
            print(f"  {path}")


COMMANDS = {"release": release, "collect": collect, "grade": grade, "report": report}
