"""Geography: the atlas of layers, geodesy, range rings and the geodata build."""
