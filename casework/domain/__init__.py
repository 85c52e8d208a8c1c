"""Pure rules of Casework: no Flask, no database session. Data is passed in."""
