from onair.cli import main

main()
