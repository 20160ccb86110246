package minimal
