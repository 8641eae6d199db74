from fastapi import APIRouter

router = APIRouter(tags=["media files"])
