"""Test statistics: single-firm (:mod:`.single`) and across events (:mod:`.multi`)."""
