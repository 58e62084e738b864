"""`binwheel` / `python -m binwheel`: the command line, implemented in Rust."""

import sys


def main():
    from binwheel import _binwheel

    sys.stdout.flush()
    raise SystemExit(_binwheel.cli(sys.argv[1:]))


if __name__ == "__main__":
    main()
