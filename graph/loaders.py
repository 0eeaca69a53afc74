"""Per-request DataLoaders, named `<thing>_by_<key>`; each batch opens its own short session."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from strawberry.dataloader import DataLoader

import models
from resolvers import candidates
from resolvers.services import Services


@dataclass(slots=True)
class Loaders:
    """Every relation the schema resolves goes through one of these, so SQL counts stay flat."""

    candidate_by_id: DataLoader[int, models.Candidate | None]
    job_by_id: DataLoader[int, models.Job | None]
    recruiter_by_id: DataLoader[int, models.Recruiter | None]
    application_by_id: DataLoader[int, models.Application | None]
    applications_by_candidate_id: DataLoader[int, list[models.Application]]

    @classmethod
    def create(cls, services: Services) -> Loaders:
        """New loaders for one request."""
        sessions = services.sessions
        return cls(
            candidate_by_id=DataLoader(partial(candidates.candidates_by_ids, sessions)),
            job_by_id=DataLoader(partial(candidates.jobs_by_ids, sessions)),
            recruiter_by_id=DataLoader(partial(candidates.recruiters_by_ids, sessions)),
            application_by_id=DataLoader(partial(candidates.applications_by_ids, sessions)),
            applications_by_candidate_id=DataLoader(
                partial(candidates.applications_by_candidate_ids, sessions)
            ),
        )
