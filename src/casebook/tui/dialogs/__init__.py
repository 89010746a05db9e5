"""Modal dialogs: code picker, memo editor, prompts, choices, confirmations."""
