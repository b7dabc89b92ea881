"""The application's use cases, one module per feature; each method is one unit of work.

Chat adapters (Telegram today, WhatsApp next) translate a message into an
``services.access.Caller`` and arguments, call one use case and render what it returns.
Refusals are ``ZibotError``s whose text is meant for the person who asked. Access rules live
in ``services.access``; each feature keeps its own queries.
"""
