"""Making episodes: the plan, render and commit of an article, the batch over many, retention, the working-folder lock."""
