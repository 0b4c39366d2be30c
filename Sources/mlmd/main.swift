print("mlmd")
