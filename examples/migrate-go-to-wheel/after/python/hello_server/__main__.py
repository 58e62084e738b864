"""`python -m hello_server ARGS` runs the binary, as go-to-wheel's package did."""

from hello_server import main

main()
