import ArgumentParser

await EdgeMLOpsCommand.main()
