"""Coverage for regional FoU units: the network graph from the database, coverage and
demand per municipality × area, where to act, weak points, exports and pages."""
