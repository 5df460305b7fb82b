"""Co-handling engagements: a specialist co-handles (medhandläggning) an investigation
with the requesting unit from the day it opens until the decision."""
