"""The national CBCCVC database: the records of people whose profile another province keeps."""
