"""Evaluation of the agencies (OVERSIGHT §8(b), R2024 §39, §41): indicators, live scorecards, frozen rounds."""
