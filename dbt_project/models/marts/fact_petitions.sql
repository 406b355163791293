{{ domain_facts('petitions') }}
