{{ domain_facts('mediation') }}
