"""AI providers: one protocol per capability (base.py) and the implementations behind them."""
