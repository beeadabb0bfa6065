"""`python -m upgrades_corpus`: see upgrades_corpus/run.py."""

import sys

from upgrades_corpus.run import main

sys.exit(main())
