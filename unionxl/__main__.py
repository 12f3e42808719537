from .doors.cli import run

run()
