"""Models of the active-learning track (seed 001, track 2). None yet: the app exists so its
migrations package and place in the tree are settled before its tables arrive."""
