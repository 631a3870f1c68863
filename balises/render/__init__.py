"""Renderings of a composed document: Word (the only python-docx user), the wizard's preview, the embedded
answers, the register spreadsheet, the adoption sheet and calendar."""
