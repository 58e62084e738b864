"""`python -m hello ARGS` is the same as the `hello ARGS` console command."""

import sys

from hello import main

sys.exit(main())
