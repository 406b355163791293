import sys

from orchestration.app.launch import main

sys.exit(main())
