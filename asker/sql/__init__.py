"""The LLM chain (ARCHITECTURE §1 plan): NL2MQL first, free SQL over the retrieved schema when the
dictionary cannot express the question, a clarifying question when the model asks for one.

Nothing here checks permissions: every candidate goes back to the pipeline, which compiles and
gates it; the gate's issues come back here as a repair request (bounded by a setting). This
package never imports ``asker.gate`` or ``asker.access``; what the asking role may see arrives
as plain data (``asker.sql.visible.Visible``).
"""
