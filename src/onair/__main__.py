from onair.launcher import main

main()
