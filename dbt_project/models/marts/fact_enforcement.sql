{{ domain_facts('enforcement') }}
