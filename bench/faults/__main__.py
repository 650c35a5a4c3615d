"""python -m bench.faults"""

from bench.faults import main

main()
