"""Bank feeds: accounts connected to a PSD2 aggregator and pulled on a schedule.

`base` is what every connector offers; `gocardless` is the one connector so far;
`services` pulls, checks and warns. See README.md beside this file.
"""

from __future__ import annotations

from solde.banking.feeds.base import FeedAdapter, FeedError

__all__ = ["PROVIDERS", "FeedAdapter", "FeedError", "adapter_for"]

# provider name (BankFeed.provider) → how to build its connector from the environment
PROVIDERS = ("gocardless",)


def adapter_for(provider: str) -> FeedAdapter:
    """The connector of a provider, with its credentials from the environment."""
    if provider == "gocardless":
        from solde.banking.feeds.gocardless import GoCardless

        return GoCardless.from_env()
    raise FeedError(FeedError.AUTH, f"No connector for bank feed provider {provider!r}.")
