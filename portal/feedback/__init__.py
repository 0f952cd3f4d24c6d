"""Feedback on opened data (SPEC §4): rights complaints (权益申诉) that suspend an entry at once,
corrections (数据纠错) and reports of illegal use (举报)."""
