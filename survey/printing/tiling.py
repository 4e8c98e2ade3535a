"""Cut big pages into sheets (written next)."""
