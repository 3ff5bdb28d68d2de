"""`python -m mls_mock serve ...`: the same command as the `mls-mock` console script."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
