"""python -m migrate"""

from .cli import main

main()
