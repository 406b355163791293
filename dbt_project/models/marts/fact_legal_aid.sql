{{ domain_facts('legal_aid') }}
