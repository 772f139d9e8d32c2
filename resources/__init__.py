"""Files shipped with Stammkunde (fonts, privacy texts), found through importlib.resources."""
