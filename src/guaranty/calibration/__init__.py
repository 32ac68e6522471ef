"""Calibration of model parameters against historical data (battles, wars, cease-fires)."""
