"""The HTTP layer: one blueprint per resource, each handler reads input, calls the store and
wraps the result. No rule of the domain lives here."""
