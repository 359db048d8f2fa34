"""Result objects: :class:`EventStudyResult` (one event) and ``StudyResult`` (many)."""
