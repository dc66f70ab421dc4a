"""Use cases (no Qt): the gate, the bus, the supervisor. Each public method is one
transaction of the store; screens and commands call these, never the store directly."""
