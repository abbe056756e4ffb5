import sys

from medsite.gate.cli import main

sys.exit(main())
