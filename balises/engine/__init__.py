"""The engine: facts from the answers, clause rules and the decision table, clause templates, the document
model. Pure and typed; one :class:`~balises.engine.state.Engine` per pack holds what is compiled."""
