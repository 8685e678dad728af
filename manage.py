#!/usr/bin/env python3
import sys

from wuyedesk.cli import main

if __name__ == "__main__":
    sys.exit(main(["manage", *sys.argv[1:]]))
