"""`python -m kansa`: the same command as `kansa`."""

from kansa.cli import main

main()
