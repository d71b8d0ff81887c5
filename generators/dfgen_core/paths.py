"""Where dfgen's own files are, found from this module's location."""

import os

GENERATORS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOP_DIR = os.path.dirname(GENERATORS_DIR)
TEMPLATE_DIR = os.path.join(TOP_DIR, "templates")
