import sys

from solde.cli import main

sys.exit(main())
