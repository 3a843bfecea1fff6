from hubworkshop.cli import main

main()
